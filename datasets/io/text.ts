import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { ShadowdeskError } from '../../errors.ts';

const HEAD_BYTES = 64 * 1024;

/** Reads the first bytes of a file, for detection and encoding sniffing. */
export async function readHead(path: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Picks the encoding of a text file: a BOM wins; otherwise UTF-8 if the head decodes as UTF-8,
 * else Windows-1252 (what French Excel writes as "CSV (séparateur: point-virgule)").
 */
export function sniffEncoding(head: Buffer): 'utf8' | 'utf16le' | 'utf16be' | 'win1252' {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  // A multi-byte sequence may be cut at the end of the head: ignore the last 3 bytes.
  const body = head.length === HEAD_BYTES ? head.subarray(0, head.length - 3) : head;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return 'utf8';
  } catch {
    return 'win1252';
  }
}

export function checkEncoding(encoding: string): string {
  if (!iconv.encodingExists(encoding)) {
    throw new ShadowdeskError(
      'SD_FORMAT_UNKNOWN',
      `unknown encoding "${encoding}" (try utf8, win1252, latin1 or utf16le)`,
    );
  }
  return encoding;
}

/** Decodes a head for display and detection, with the same encoding choice as the full read. */
export function decodeHead(head: Buffer, encoding?: string): string {
  return iconv.decode(head, encoding ?? sniffEncoding(head));
}

/** The first 64 KiB of a file as text, decoded the way the full read will decode it. */
export async function readTextHead(path: string, encoding?: string): Promise<string> {
  return decodeHead(await readHead(path), encoding);
}

/** A stream of decoded text (BOM removed) from a file in any supported encoding. */
export type TextStream = NodeJS.ReadableStream & AsyncIterable<string>;

export async function openText(path: string, encoding?: string): Promise<TextStream> {
  const chosen = encoding ? checkEncoding(encoding) : sniffEncoding(await readHead(path));
  return createReadStream(path).pipe(iconv.decodeStream(chosen, { stripBOM: true })) as TextStream;
}
