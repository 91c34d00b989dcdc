import { createInterface } from 'node:readline';
import { classifyPullError } from '../diagnosis/classify/index.js';
import { EXIT, write, type CliIo } from './io.js';

export const CLASSIFY_USAGE = `Usage: pulldoctor classify [MESSAGE]

Classifies a container runtime / kubelet image pull error message into one of: image-not-found, unauthorized,
forbidden, dns, network-timeout, tls, rate-limited, platform-mismatch, invalid-reference, policy, other.
With MESSAGE, prints one JSON line; without, reads one message per line from stdin and prints one JSON line each:
{"message": "...", "cause": "..."}`;

export async function runClassify(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    write(io.stdout, CLASSIFY_USAGE);
    return EXIT.ok;
  }
  if (args.length > 0) {
    const message = args.join(' ');
    write(io.stdout, JSON.stringify({ message, cause: classifyPullError(message) }));
    return EXIT.ok;
  }
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    write(io.stdout, JSON.stringify({ message: line, cause: classifyPullError(line) }));
  }
  return EXIT.ok;
}
