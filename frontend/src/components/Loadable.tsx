import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorMessage } from "./ErrorMessage";

type Props<T> = {
  query: UseQueryResult<T, Error>;
  /** What is being loaded, e.g. "Загружаем историю…". */
  loading: string;
  children: (data: T) => ReactNode;
};

/** A query's data, or a loading line, or the server's message. */
export function Loadable<T>({ query, loading, children }: Props<T>) {
  if (query.isPending) return <p className="muted" role="status">{loading}</p>;
  if (query.isError) return <ErrorMessage>{query.error.message}</ErrorMessage>;
  return <>{children(query.data)}</>;
}
