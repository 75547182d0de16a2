/**
 * Share links: the program and every setting in the URL's fragment (never sent to a server),
 * compressed with deflate (CompressionStream, in browsers and Node.js alike) and base64url-coded.
 */
import type { Lang, RunSettings } from './protocol.js';

/** Everything a link reproduces. */
export interface PageState {
  lang: Lang;
  source: string;
  type: string;
  program?: string;
  logLevel: 1 | 2;
  run: RunSettings;
}

const PREFIX = 'z=';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unbase64url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** The fragment (without '#') for a state. */
export async function encodeState(state: PageState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, ...state }));
  return PREFIX + base64url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** The state a fragment holds; undefined when it holds none or is damaged. */
export async function decodeState(fragment: string): Promise<PageState | undefined> {
  const text = fragment.replace(/^#/, '');
  if (!text.startsWith(PREFIX)) return undefined;
  try {
    const json = await pipe(unbase64url(text.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
    const s = JSON.parse(new TextDecoder().decode(json));
    if (s.v !== 1 || typeof s.source !== 'string' || (s.lang !== 'c' && s.lang !== 'asm')) return undefined;
    return {
      lang: s.lang,
      source: s.source,
      type: typeof s.type === 'string' ? s.type : 'auto',
      ...(typeof s.program === 'string' ? { program: s.program } : {}),
      logLevel: s.logLevel === 1 ? 1 : 2,
      run: {
        engine: s.run?.engine === 'interp' ? 'interp' : 'wasm',
        fields: typeof s.run?.fields === 'object' && s.run.fields ? s.run.fields : {},
        ctxHex: typeof s.run?.ctxHex === 'string' ? s.run.ctxHex : '',
        packetHex: typeof s.run?.packetHex === 'string' ? s.run.packetHex : '',
        repeat: Number.isInteger(s.run?.repeat) && s.run.repeat > 0 ? s.run.repeat : 1,
      },
    };
  } catch {
    return undefined;
  }
}
