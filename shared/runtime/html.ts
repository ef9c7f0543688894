import { randomBytes } from 'node:crypto';

/**
 * Server-rendered pages: escaped by default, no JavaScript, a strict CSP with a per-response
 * nonce for the one inline stylesheet, never framed, never leaking the URL (tokens) as a referrer.
 */
const SAFE = Symbol('safe-html');
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
}

export function raw(value: string): SafeHtml {
  return { [SAFE]: true, value };
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (typeof part === 'object' && SAFE in part) return (part as SafeHtml).value;
  return escapeHtml(String(part));
}

/** Tagged template: interpolations are escaped unless they are SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return raw(out);
}

/** Paragraphs from plain text kept in the org config. */
export function paragraphs(text: string): SafeHtml {
  return raw(
    text
      .split(/\n+/)
      .filter((p) => p.trim())
      .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
      .join(''),
  );
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fdfdfb;--accent:#1f5f8b;--muted:#5a5a5a;--warn:#8a1c1c}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#181818;--accent:#8cc4ee;--muted:#b0b0b0;--warn:#ff9d9d}}
body{font:1.05rem/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.6rem;line-height:1.25}
a{color:var(--accent)}
label{display:block;margin:.9rem 0 .3rem;font-weight:600}
input[type=text],input[type=email],textarea,select{width:100%;box-sizing:border-box;font:inherit;padding:.55rem;border:2px solid var(--muted);border-radius:.4rem;background:var(--bg);color:var(--fg)}
.check{display:flex;gap:.6rem;align-items:flex-start;margin:.8rem 0}
.check input{width:1.3rem;height:1.3rem;margin-top:.2rem;flex:none}
.check label{margin:0;font-weight:400}
button{font:inherit;font-weight:600;padding:.7rem 1.3rem;border:0;border-radius:.4rem;background:var(--accent);color:var(--bg);cursor:pointer;margin-top:1rem}
button.secondary{background:transparent;color:var(--accent);border:2px solid var(--accent)}
button.danger{background:var(--warn)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.box{border:2px solid var(--muted);border-radius:.5rem;padding:.2rem 1rem;margin:1rem 0}
.notice{border-left:.35rem solid var(--accent);padding:.2rem 1rem;margin:1rem 0}
.error{border-left:.35rem solid var(--warn);padding:.2rem 1rem;margin:1rem 0}
.field-error{color:var(--warn);font-weight:600;margin:.2rem 0}
.muted{color:var(--muted);font-size:.95rem}
footer{margin-top:2.5rem;border-top:1px solid var(--muted);padding-top:1rem}
`;

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Organisation name shown in the header. */
  orgName: string;
  footer?: SafeHtml;
  /** Extra CSS for this page, inside the same nonce'd stylesheet (inline `style` attributes stay refused). */
  styles?: string;
}

export interface RenderedPage {
  body: string;
  headers: Record<string, string>;
}

export function renderPage(options: PageOptions): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${options.title} · ${options.orgName}</title>
<style nonce="${nonce}">${raw(STYLE)}${raw(options.styles ?? '')}</style>
</head>
<body>
<main>
<p class="muted">${options.orgName}</p>
${options.body}
${options.footer ? html`<footer>${options.footer}</footer>` : ''}
</main>
</body>
</html>`;
  return {
    body: doc.value,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  };
}

/**
 * The HTML document of every email: one accessible article, readable without CSS support, the
 * subject as its title and label. Features give only the content.
 */
export function emailDocument(subject: string, content: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title>
</head>
<body style="font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; font-size: 16px; line-height: 1.5; color: #1d1d1f;">
<div role="article" aria-label="${subject}" style="max-width: 36rem; margin: 0 auto; padding: 1rem;">
${content}
</div>
</body>
</html>`;
}
