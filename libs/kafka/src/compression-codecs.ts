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

// Java producers (snappy-java) write xerial framing: magic, two int32 versions, then
// [int32 length][raw snappy block] chunks. librdkafka writes one raw snappy block. Read both.
const XERIAL_MAGIC = Buffer.from('\x82SNAPPY\0', 'latin1');
const XERIAL_HEADER_BYTES = 16;

function snappyDecompress(buffer: Buffer): Buffer {
  if (buffer.length < XERIAL_HEADER_BYTES || !buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    return SnappyJS.uncompress(buffer);
  }
  const chunks: Buffer[] = [];
  for (let offset = XERIAL_HEADER_BYTES; offset < buffer.length;) {
    const size = offset + 4 <= buffer.length ? buffer.readUInt32BE(offset) : -1;
    offset += 4;
    if (size < 0 || offset + size > buffer.length) throw new Error('truncated xerial snappy chunk');
    chunks.push(SnappyJS.uncompress(buffer.subarray(offset, offset + size)));
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
type ZstdCompress = (buffer: Buffer, callback: (error: Error | null, result: Buffer) => void) => void;
const zlibZstdCompress = (zlib as { zstdCompress?: ZstdCompress }).zstdCompress;
const zstdCompress = zlibZstdCompress ? promisify(zlibZstdCompress) : undefined;

const zstd: KafkaCodec = {
  compress: async ({ buffer }) => {
    if (!zstdCompress) {
      throw new Error(`zstd compression needs a Node.js with zlib zstd (22.15+), not ${process.version}`);
    }
    return zstdCompress(buffer);
  },
  decompress: async (buffer) => {
    const out = fzstdDecompress(buffer);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  },
};

let registered = false;

/** Registers snappy, lz4 and zstd with kafkajs, once per process (kafkajs' codecs are global). */
export function registerCompressionCodecs(): void {
  if (registered) return;
  CompressionCodecs[CompressionTypes.Snappy] = () => snappy;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstd;
  registered = true;
}
