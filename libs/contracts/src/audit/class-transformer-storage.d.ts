// class-transformer ships the storage's types under types/, not beside cjs/storage.js.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
