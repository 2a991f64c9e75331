// class-transformer publishes typings for its entry point only; its metadata storage (read by
// compiled-check.ts) lives at cjs/storage at run time and is typed under types/.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
