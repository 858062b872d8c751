import {
  inclusionProof,
  leafHash,
  MerkleTree,
  merkleRoot,
  rootFromInclusionProof,
  verifyInclusion,
} from './merkle-tree';

// The RFC 6962 reference inputs and tree heads, as Certificate Transparency's implementations test them.
const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const LEAVES = INPUTS.map((hex) => leafHash(Buffer.from(hex, 'hex')));
const hex = (buffers: Buffer[]) => buffers.map((b) => b.toString('hex'));

describe('RFC 6962 Merkle tree', () => {
  it('gives the reference tree head for every size from 0 to 8', () => {
    for (let n = 0; n <= 8; n++) expect(merkleRoot(LEAVES.slice(0, n)).toString('hex')).toBe(ROOTS[n]);
  });

  it('gives the reference audit paths', () => {
    expect(hex(inclusionProof(LEAVES, 0))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(LEAVES, 5))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(inclusionProof(LEAVES.slice(0, 3), 2))).toEqual([
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    ]);
  });

  it('gives, remembering subtree roots, the same paths as computing each from scratch, asked in any order', () => {
    const many = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from([i, 3])));
    for (let n = 1; n <= many.length; n++) {
      const leaves = many.slice(0, n);
      const tree = new MerkleTree(leaves);
      for (let r = 0; r < n; r++) {
        const i = (r * 17 + 5) % n;
        expect(hex(tree.inclusionProof(i))).toEqual(hex(inclusionProof(leaves, i)));
      }
    }
    expect(hex(new MerkleTree(LEAVES).inclusionProof(5))).toEqual(hex(inclusionProof(LEAVES, 5)));
  });

  it('verifies every leaf of every tree size up to 40 with its own proof, and no proof for another leaf or place', () => {
    const many = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from([i, i * 7])));
    for (let n = 1; n <= many.length; n++) {
      const tree = many.slice(0, n);
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(tree, i);
        expect(verifyInclusion(i, n, tree[i], proof, root)).toBe(true);
        if (n > 1) {
          expect(verifyInclusion(i, n, tree[(i + 1) % n], proof, root)).toBe(false);
          expect(verifyInclusion((i + 1) % n, n, tree[i], proof, root)).toBe(false);
        }
      }
    }
  });

  it('refuses a place outside the tree and a proof of the wrong length', () => {
    expect(() => inclusionProof(LEAVES, 8)).toThrow(RangeError);
    expect(rootFromInclusionProof(-1, 8, LEAVES[0], [])).toBeUndefined();
    expect(rootFromInclusionProof(0, 8, LEAVES[0], inclusionProof(LEAVES, 0).slice(0, 2))).toBeUndefined();
  });
});
