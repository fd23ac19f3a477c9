import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from "react";

/** This close to the bottom (px) still counts as reading the newest reply. */
const NEAR_BOTTOM_PX = 40;

function nearBottom(pane: HTMLElement): boolean {
  return pane.scrollHeight - pane.scrollTop - pane.clientHeight <= NEAR_BOTTOM_PX;
}

/**
 * Keeps a scrolling pane at its newest content as it grows (a reply streaming in, its latency
 * line appearing), but never pulls the student back down once they scrolled up to read. Only
 * the pane scrolls: the page, its header and the controls stay where they are.
 */
export function useFollowNewest(pane: RefObject<HTMLElement | null>, content: unknown) {
  const following = useRef(true);
  const lastTop = useRef(0);
  const [away, setAway] = useState(false);

  const toNewest = useCallback(() => {
    const element = pane.current;
    if (!element) return;
    element.scrollTop = element.scrollHeight;
    lastTop.current = element.scrollTop;
    following.current = true;
    setAway(false);
  }, [pane]);

  // Only a move up is the student's: the pane also scrolls when it is resized or its content
  // shrinks, and that must not stop it following.
  const onScroll = useCallback(() => {
    const element = pane.current;
    if (!element) return;
    const top = element.scrollTop;
    if (nearBottom(element)) following.current = true;
    else if (top < lastTop.current) following.current = false;
    lastTop.current = top;
    setAway(!following.current);
  }, [pane]);

  useLayoutEffect(() => {
    if (following.current) toNewest();
  }, [content, toNewest]);

  // The pane or its content may change size without new content (a narrower window, fonts
  // arriving): a student following the conversation stays at its end.
  useLayoutEffect(() => {
    const element = pane.current;
    if (!element || typeof ResizeObserver === "undefined") return undefined;
    const observer = new ResizeObserver(() => {
      if (following.current) toNewest();
    });
    observer.observe(element);
    Array.from(element.children).forEach((child) => observer.observe(child));
    return () => observer.disconnect();
  }, [pane, toNewest]);

  return { onScroll, away, toNewest };
}
