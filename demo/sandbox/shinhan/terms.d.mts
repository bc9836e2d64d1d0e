/** Types of terms.mjs for the browser tests (test/terms.test.ts), which import its terms. */
export interface Terms {
  terms_no: number;
  terms_nm: string;
  terms_ctnt: string;
}
export declare const TERMS_PGCODES: readonly string[];
export declare const STANDARD_TERMS: readonly Terms[];
export declare function hostileTerms(origin: string): Terms[];
export declare function termsFor(pgcode: string, mode: 'standard' | 'hostile' | 'none', origin: string): Terms[] | null;
