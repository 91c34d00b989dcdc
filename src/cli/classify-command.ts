import { createInterface } from 'node:readline';
import { classifyPullError } from '../diagnosis/classify/classify-pull-error.js';
import { redactText } from '../logging/redact.js';
import { EXIT, write, type CliIo } from './io.js';

export const CLASSIFY_USAGE = `Usage: pulldoctor classify [MESSAGE]

Classifies a container runtime / kubelet image pull error message into one of: image-not-found, unauthorized,
forbidden, dns, network-timeout, tls, rate-limited, platform-mismatch, invalid-reference, policy, other.
With MESSAGE, prints one JSON line; without, reads one message per line from stdin and prints one JSON line each:
{"message": "...", "cause": "..."}. The message is printed redacted, like every other output: a password, token or
key in it is replaced by [redacted] (it is classified as given).`;

/** One output line: the cause of the message as given, and the message as it may be shown. */
function classified(message: string): string {
  return JSON.stringify({ message: redactText(message), cause: classifyPullError(message) });
}

export async function runClassify(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    write(io.stdout, CLASSIFY_USAGE);
    return EXIT.ok;
  }
  if (args.length > 0) {
    const message = args.join(' ');
    write(io.stdout, classified(message));
    return EXIT.ok;
  }
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    write(io.stdout, classified(line));
  }
  return EXIT.ok;
}
