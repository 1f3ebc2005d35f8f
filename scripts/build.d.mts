/** Types of scripts/build.mjs (plain JavaScript: it runs before anything is compiled). */
export declare const ROOT: string;
export declare function sourceFingerprint(): string;
export declare function isFresh(): boolean;
export declare function build(options?: { force?: boolean; quiet?: boolean }): number;
