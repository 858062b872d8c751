import { createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import SnappyJS from 'snappyjs';
import { MAX_DECOMPRESSED_BATCH_BYTES, registerCompressionCodecs } from './compression-codecs';

type Codec = { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
const codec = (type: Exclude<CompressionTypes, CompressionTypes.None>): Codec => CompressionCodecs[type]();
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
// jest's deep equality walks a large Buffer byte by byte; a digest says the same in microseconds
const digest = (data: Buffer) => ({ length: data.length, sha256: createHash('sha256').update(data).digest('hex') });

// compressible and incompressible, larger than one lz4 block (64 KiB) and one xerial chunk (32 KiB)
const payload = Buffer.concat([Buffer.from('{"id":"e-1","action":"created"}\n'.repeat(4000)), randomBytes(70_000)]);

/** xerial framing as snappy-java writes it: magic, version 1, compatible 1, then length-prefixed blocks. */
function xerial(data: Buffer, chunkSize = 32 * 1024): Buffer {
  const parts: Buffer[] = [Buffer.from('\x82SNAPPY\0\0\0\0\x01\0\0\0\x01', 'latin1')];
  for (let offset = 0; offset < data.length; offset += chunkSize) {
    const block = SnappyJS.compress(data.subarray(offset, offset + chunkSize));
    const size = Buffer.alloc(4);
    size.writeUInt32BE(block.length);
    parts.push(size, block);
  }
  return Buffer.concat(parts);
}

describe('Kafka compression codecs', () => {
  beforeAll(() => registerCompressionCodecs());

  it('registers gzip, snappy, lz4 and zstd into kafkajs, idempotently', () => {
    const gzip = CompressionCodecs[CompressionTypes.GZIP];
    const snappy = CompressionCodecs[CompressionTypes.Snappy];
    registerCompressionCodecs();
    expect(CompressionCodecs[CompressionTypes.Snappy]).toBe(snappy);
    expect(CompressionCodecs[CompressionTypes.GZIP]).toBe(gzip);
    for (const type of [
      CompressionTypes.GZIP,
      CompressionTypes.Snappy,
      CompressionTypes.LZ4,
      CompressionTypes.ZSTD,
    ] as const) {
      expect(() => codec(type)).not.toThrow();
    }
  });

  it('refuses a batch that would inflate beyond the bound (a decompression bomb) instead of allocating it', async () => {
    const bomb = Buffer.alloc(MAX_DECOMPRESSED_BATCH_BYTES + 1);
    await expect(codec(CompressionTypes.GZIP).decompress(zlib.gzipSync(bomb))).rejects.toThrow(
      /larger than|too large|exceeds/i,
    );
    await expect(codec(CompressionTypes.Snappy).decompress(SnappyJS.compress(bomb))).rejects.toThrow(/too big/);
    await expect(codec(CompressionTypes.Snappy).decompress(xerial(bomb, 8 * 1024 * 1024))).rejects.toThrow(/too big/);
    // a small batch still inflates
    const small = await codec(CompressionTypes.GZIP).decompress(zlib.gzipSync(payload));
    expect(digest(small)).toEqual(digest(payload));
  });

  // The compressed records of one-record batches as real producers wrote them (captured from what
  // kafkajs handed the codec): kafka-console-producer 3.9.1 (Java) and kcat 1.7.1 (librdkafka 2.0.2),
  // each with the value "<producer>-<codec> meshtrail meshtrail ..." (12 times "meshtrail").
  const produced: Record<string, string> = {
    'java snappy':
      '82534e41505059000000000100000001000000288c017094020000000186026a6176612d736e61707079206d657368747261696cfe0a00b60a000000',
    'kcat snappy': '8c017094020000000186026b6361742d736e61707079206d657368747261696cfe0a00b60a000000',
    'java lz4':
      '04224d1860408225000000ff0b8e020000000180026a6176612d6c7a34206d657368747261696c0a0057507261696c0000000000',
    'kcat lz4':
      '04224d1860408225000000ff0b8e020000000180026b6361742d6c7a34206d657368747261696c0a0057507261696c0000000000',
    'java zstd': '28b52ffd00581c0100e090020000000182026a6176612d7a737464206d657368747261696c000100afa6650c010000',
    'kcat zstd': '28b52ffd00581d0100e090020000000182026b6361742d7a737464206d657368747261696c000100afa6650c',
  };
  const types = { snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as const;

  it.each(Object.keys(produced))('decodes the records that %s wrote', async (producedBy) => {
    const [producer, name] = producedBy.split(' ') as [string, keyof typeof types];
    const records = await codec(types[name]).decompress(hex(produced[producedBy]));
    expect(records.toString('latin1')).toContain(`${producer}-${name} ${Array(12).fill('meshtrail').join(' ')}`);
  });

  describe('snappy', () => {
    it('decodes raw snappy blocks as librdkafka writes them (hand-assembled bytes)', async () => {
      // length 5, literal of 5
      expect((await codec(CompressionTypes.Snappy).decompress(hex('05 10 68656c6c6f'))).toString()).toBe('hello');
      // length 12, literal "abc", 1-byte-offset copy of 9 bytes from offset 3
      expect((await codec(CompressionTypes.Snappy).decompress(hex('0c 08 616263 15 03'))).toString()).toBe(
        'abcabcabcabc',
      );
    });

    it('decodes xerial-framed snappy as Java producers write it', async () => {
      const snappy = codec(CompressionTypes.Snappy);
      expect(digest(await snappy.decompress(xerial(payload)))).toEqual(digest(payload));
      expect(await snappy.decompress(xerial(Buffer.alloc(0)))).toEqual(Buffer.alloc(0));
      const handmade = Buffer.concat([hex('82534e4150505900 00000001 00000001'), hex('00000007 05 10 68656c6c6f')]);
      expect((await snappy.decompress(handmade)).toString()).toBe('hello');
    });

    it('round-trips, and refuses a truncated xerial frame', async () => {
      const snappy = codec(CompressionTypes.Snappy);
      expect(digest(await snappy.decompress(await snappy.compress({ buffer: payload })))).toEqual(digest(payload));
      const framed = xerial(payload);
      await expect(snappy.decompress(framed.subarray(0, framed.length - 10))).rejects.toThrow(/truncated/);
    });
  });

  describe('lz4 (frame format)', () => {
    it('decodes a hand-assembled LZ4 frame: one compressed and one stored block', async () => {
      const frame = hex(
        '04224d18 60 40 82' + // magic; FLG v1 independent blocks; BD 64 KiB; header checksum
          '0c000000 35 616263 0300 50 68656c6c6f' + // "abc", copy 9 from offset 3, last literals "hello"
          '03000080 78797a' + // stored block "xyz"
          '00000000', // end mark
      );
      expect((await codec(CompressionTypes.LZ4).decompress(frame)).toString()).toBe('abcabcabcabchelloxyz');
    });

    it('round-trips across several blocks', async () => {
      const lz4 = codec(CompressionTypes.LZ4);
      const compressed = await lz4.compress({ buffer: payload });
      expect(compressed.subarray(0, 4)).toEqual(hex('04224d18'));
      expect(digest(await lz4.decompress(compressed))).toEqual(digest(payload));
    });
  });

  describe('zstd', () => {
    it('decodes hand-assembled frames: raw and RLE blocks, with and without a content size, two frames', async () => {
      const zstd = codec(CompressionTypes.ZSTD);
      const withSize = hex('28b52ffd 20 0f' + '280000 68656c6c6f' + '530000 61'); // "hello" + 10 x "a"
      const streamed = hex('28b52ffd 00 00' + '190000 787978'); // no content size (window only), "xyx"
      expect((await zstd.decompress(withSize)).toString()).toBe('hello' + 'a'.repeat(10));
      expect((await zstd.decompress(Buffer.concat([withSize, streamed]))).toString()).toBe('helloaaaaaaaaaaxyx');
    });

    const nodeZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

    (nodeZstd ? it : it.skip)('round-trips through zlib zstd (Node 22.15+) and fzstd', async () => {
      const zstd = codec(CompressionTypes.ZSTD);
      expect(digest(await zstd.decompress(await zstd.compress({ buffer: payload })))).toEqual(digest(payload));
    });

    (nodeZstd ? it.skip : it)('says why it cannot compress where zlib has no zstd (Node 20)', async () => {
      await expect(codec(CompressionTypes.ZSTD).compress({ buffer: payload })).rejects.toThrow(
        /zstd compression needs a Node.js with zlib zstd/,
      );
    });
  });
});
