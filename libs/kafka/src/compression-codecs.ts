import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compressFrame, decompressFrame } from 'lz4-napi';
import SnappyJS from 'snappyjs';

// kafkajs decodes gzip only; a batch in any other codec would crash the consumer into a rejoin
// loop. These are the other codecs a standard producer (Java, librdkafka/kcat, Go) may use.

/** The shape kafkajs calls: compress gets its encoder, decompress the batch's records bytes. */
interface KafkaCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/**
 * The most a compressed record batch may expand to. A fetch brings at most a few MiB of compressed
 * batches; a batch that claims more is a decompression bomb, refused before it is allocated.
 */
export const MAX_DECOMPRESSED_BATCH_BYTES = 64 * 1024 * 1024;

const unzip = promisify(zlib.unzip);

// kafkajs' own gzip codec inflates without a bound
const gzip: KafkaCodec = {
  compress: ({ buffer }) => promisify(zlib.gzip)(buffer),
  decompress: (buffer) => unzip(buffer, { maxOutputLength: MAX_DECOMPRESSED_BATCH_BYTES }),
};

// Java producers (snappy-java) write xerial framing: magic, two int32 versions, then
// [int32 length][raw snappy block] chunks. librdkafka writes one raw snappy block. Read both.
const XERIAL_MAGIC = Buffer.from('\x82SNAPPY\0', 'latin1');
const XERIAL_HEADER_BYTES = 16;

function snappyDecompress(buffer: Buffer): Buffer {
  if (buffer.length < XERIAL_HEADER_BYTES || !buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    return SnappyJS.uncompress(buffer, MAX_DECOMPRESSED_BATCH_BYTES);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for (let offset = XERIAL_HEADER_BYTES; offset < buffer.length;) {
    const size = offset + 4 <= buffer.length ? buffer.readUInt32BE(offset) : -1;
    offset += 4;
    if (size < 0 || offset + size > buffer.length) throw new Error('truncated xerial snappy chunk');
    const chunk = SnappyJS.uncompress(buffer.subarray(offset, offset + size), MAX_DECOMPRESSED_BATCH_BYTES - total);
    total += chunk.length;
    chunks.push(chunk);
    offset += size;
  }
  return Buffer.concat(chunks);
}

const snappy: KafkaCodec = {
  // raw snappy, as librdkafka writes it; Java and librdkafka consumers read it
  compress: async ({ buffer }) => SnappyJS.compress(buffer),
  decompress: async (buffer) => snappyDecompress(buffer),
};

// Kafka's lz4 is the LZ4 frame format (magic 04 22 4D 18), not bare blocks.
const lz4: KafkaCodec = {
  compress: ({ buffer }) => compressFrame(buffer),
  decompress: (buffer) => decompressFrame(buffer),
};

// zlib has zstd from Node 22.15/23.8 on, not on Node 20: fzstd (pure JS) decodes on both.
// meshtrail's own producers never choose zstd, so compressing needs zlib's and says so.
// Where zlib has zstd, it decodes with the same bound as gzip; fzstd (Node 20) has none.
type ZstdCompress = (buffer: Buffer, callback: (error: Error | null, result: Buffer) => void) => void;
type ZstdDecompress = (
  buffer: Buffer,
  options: { maxOutputLength: number },
  callback: (error: Error | null, result: Buffer) => void,
) => void;
const zlibZstd = zlib as { zstdCompress?: ZstdCompress; zstdDecompress?: ZstdDecompress };
const zstdCompress = zlibZstd.zstdCompress ? promisify(zlibZstd.zstdCompress) : undefined;
const zstdDecompress = zlibZstd.zstdDecompress ? promisify(zlibZstd.zstdDecompress) : undefined;

const zstd: KafkaCodec = {
  compress: async ({ buffer }) => {
    if (!zstdCompress) {
      throw new Error(`zstd compression needs a Node.js with zlib zstd (22.15+), not ${process.version}`);
    }
    return zstdCompress(buffer);
  },
  decompress: async (buffer) => {
    if (zstdDecompress) return zstdDecompress(buffer, { maxOutputLength: MAX_DECOMPRESSED_BATCH_BYTES });
    const out = fzstdDecompress(buffer);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  },
};

let registered = false;

/** Registers snappy, lz4 and zstd with kafkajs, once per process (kafkajs' codecs are global). */
export function registerCompressionCodecs(): void {
  if (registered) return;
  CompressionCodecs[CompressionTypes.GZIP] = () => gzip;
  CompressionCodecs[CompressionTypes.Snappy] = () => snappy;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstd;
  registered = true;
}
