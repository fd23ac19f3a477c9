/**
 * The tutor's shapes, from the generated schema; the lines of the streaming reply
 * (`application/x-ndjson`) are the pydantic models the server writes them from.
 */
import type { paths } from "../api/schema";
import type { Schemas } from "../api/client";

export type Correction = Schemas["Correction"];
export type Timings = Record<string, number>;
export type TutorResult = Schemas["TutorReply"];
export type LessonDetail = Schemas["LessonDetail"];

/** One line of `POST /api/tutor/message/stream`. */
export type StreamEvent =
  paths["/api/tutor/message/stream"]["post"]["responses"][200]["content"]["application/json"];
