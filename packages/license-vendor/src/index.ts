/** The vendor side of License Management (filled in by the move of vendor-only code). */
export {};
