import { useCallback, useLayoutEffect, useRef, useState } from "react";

/** This close to the bottom (px) still counts as reading the newest reply. */
const NEAR_BOTTOM_PX = 40;

function nearBottom(pane: HTMLElement): boolean {
  return pane.scrollHeight - pane.scrollTop - pane.clientHeight <= NEAR_BOTTOM_PX;
}

/**
 * Keeps a scrolling pane at its newest content as it grows (a reply streaming in, its latency
 * line appearing), but never pulls the student back down while they read higher up. Only the
 * pane scrolls: the page, its header and the controls stay where they are.
 */
export function useFollowNewest<T extends HTMLElement>(content: unknown) {
  const pane = useRef<T>(null);
  const following = useRef(true);
  const [away, setAway] = useState(false);

  const toNewest = useCallback(() => {
    const element = pane.current;
    if (!element) return;
    element.scrollTop = element.scrollHeight;
    following.current = true;
    setAway(false);
  }, []);

  const onScroll = useCallback(() => {
    const element = pane.current;
    if (!element) return;
    following.current = nearBottom(element);
    setAway(!following.current);
  }, []);

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
  }, [toNewest]);

  return { pane, onScroll, away, toNewest };
}
