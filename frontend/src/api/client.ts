import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type UserPublic = Schemas["UserPublic"];

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });

/** A failed API call; `message` is ready to show to the student (Russian). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function isErrorResponse(body: unknown): body is Schemas["ErrorResponse"] {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const { error } = body;
  return typeof error === "object" && error !== null && "message" in error
    && typeof error.message === "string";
}

/** The call's data, or an ApiError carrying the server's code and message. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, "network_error",
      "Не удалось связаться с сервером. Проверьте подключение к интернету и попробуйте ещё раз.");
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  if (isErrorResponse(error)) {
    throw new ApiError(response.status, error.error.code, error.error.message);
  }
  throw new ApiError(response.status, "unexpected_response",
    `Сервер ответил ошибкой (${response.status}). Попробуйте ещё раз чуть позже.`);
}
