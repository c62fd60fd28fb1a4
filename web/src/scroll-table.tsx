import type { ComponentChildren } from "preact";

/** A wide table that scrolls sideways inside its pane instead of widening the page. */
export function ScrollTable({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard (WCAG 2.1.1)
    <section class="table-scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
