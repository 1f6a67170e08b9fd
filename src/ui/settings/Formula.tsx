import katex from 'katex';
import { useMemo } from 'react';

/**
 * TeX typeset by KaTeX as MathML, which the browser lays out itself: no KaTeX
 * stylesheet or fonts, and no inline style attributes, which the page's
 * Content-Security-Policy (`style-src 'self'`) would block. Screen readers read MathML.
 */
export function Formula({ tex, className }: { tex: string; className?: string }) {
  // Our own TeX from the definitions and numbers; throwOnError so a broken rule fails its test.
  const html = useMemo(() => katex.renderToString(tex, { output: 'mathml', throwOnError: true, displayMode: false }), [tex]);
  return <span className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
