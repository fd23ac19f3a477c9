import { useLayoutEffect, type RefObject } from "react";

/** The pane never gets shorter than this (px): on a very low screen the page scrolls instead. */
const MIN_HEIGHT = 192;
/** Room kept under the lesson's card (px). */
const MARGIN = 12;

/**
 * Sizes a scrolling pane so that its whole card, from the header above the pane to the
 * controls under it, fits the screen when the page is at its top: the pane, not the page,
 * takes the conversation's length. Measured, not guessed, so that whatever the card holds
 * (a notice, a wrapped header, a phone's layout) is counted.
 */
export function usePaneHeight(pane: RefObject<HTMLElement | null>, card: string) {
  useLayoutEffect(() => {
    const element = pane.current;
    const box = element?.closest(card);
    if (!element || !box) return undefined;
    const fit = () => {
      const paneBox = element.getBoundingClientRect();
      const below = box.getBoundingClientRect().bottom - paneBox.bottom;
      const top = paneBox.top + window.scrollY;
      const height = Math.max(MIN_HEIGHT, window.innerHeight - top - below - MARGIN);
      element.style.maxHeight = `${Math.floor(height)}px`;
    };
    fit();
    window.addEventListener("resize", fit);
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(fit);
    observer?.observe(box);
    return () => {
      window.removeEventListener("resize", fit);
      observer?.disconnect();
    };
  }, [pane, card]);
}
