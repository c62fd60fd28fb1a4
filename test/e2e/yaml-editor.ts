import type { Page } from "@playwright/test";

// The YAML tab is a CodeMirror editor: its text is read from the editor's view (the DOM holds only
// the lines in sight) and replaced the way a person pasting would.

/** The YAML tab's text, exactly. */
export async function readYaml(page: Page): Promise<string> {
  await page.locator('[data-tab="yaml"]').click();
  const host = page.locator('[data-editor="yaml"]');
  await host.locator(".cm-content").waitFor();
  return host.evaluate((el) =>
    (
      el as HTMLElement & { editorView: { state: { doc: { toString(): string } } } }
    ).editorView.state.doc.toString(),
  );
}

/** Replaces the YAML tab's text with `text`. */
export async function writeYaml(page: Page, text: string): Promise<void> {
  await page.locator('[data-tab="yaml"]').click();
  const content = page.locator('[data-editor="yaml"] .cm-content');
  await content.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}
