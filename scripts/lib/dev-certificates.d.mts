// Types of dev-certificates.mjs (a plain .mjs so that scripts/test.mjs can use it without tsx).
export declare const FAKE_SERVER_NAMES: readonly string[];
export declare const FAKE_SERVER_IPS: readonly string[];
export declare function fakeServerSans(): string[];
export declare function ensureDevCertificates(
  dir: string,
  options: { version: string; authorities: string[]; leaves: Array<{ name: string; authority: string; sans: string[] }> },
): { dir: string; file(name: string): string };
export declare function ensureSandboxCertificates(dir: string): { dir: string; caFile: string };
