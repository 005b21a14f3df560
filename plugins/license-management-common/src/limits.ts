/**
 * The limits on what an upload may hold (PRODUCT.md §2.1). The backend's
 * body readers and the license file reader of `-node` share them, so a limit
 * is stated once.
 */
export const LICENSE_FILE_LIMITS = {
  /** Largest license file, in bytes received (with or without Content-Length). */
  maxUploadBytes: 1024 * 1024,
  /**
   * What a multipart/form-data body may carry on top of the file: boundaries,
   * part headers and small fields. The whole body counts against
   * `maxUploadBytes + maxMultipartOverheadBytes`.
   */
  maxMultipartOverheadBytes: 64 * 1024,
  /** Most headers an archive may hold (entries of any type, directories included). */
  maxEntries: 64,
  /** Most bytes of entry contents an archive may hold, in all. */
  maxEntryBytes: 8 * 1024 * 1024,
  /** Most tokens one upload may hold; counting stops at the limit. */
  maxTokens: 256,
  /** Longest license token, in characters. */
  maxTokenLength: 16 * 1024,
} as const;

/** Largest JSON request body (`POST /check` and the other JSON routes), in bytes. */
export const JSON_BODY_LIMIT_BYTES = 64 * 1024;

/** The latest time a claim may hold: 9999-12-31T23:59:59Z, in seconds (PRODUCT.md §2.1). */
export const MAX_CLAIM_SECONDS = 253_402_300_799;

/** A size limit in words, for messages: `1 MiB`, `8 MiB`, `64 KiB`. */
export const sizeInWords = (bytes: number): string =>
  bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : `${Math.round(bytes / 1024)} KiB`;
