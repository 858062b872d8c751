declare module 'snappyjs' {
  /** Snappy block format (not the framing format), as Prometheus remote-write requires. */
  export function compress<T extends Uint8Array | ArrayBuffer>(input: T): T;
  export function uncompress<T extends Uint8Array | ArrayBuffer>(input: T, maxLength?: number): T;
}
