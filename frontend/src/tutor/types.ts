/**
 * The tutor's shapes that the OpenAPI schema does not describe: the lines of the streaming
 * reply (`application/x-ndjson`). The REST shapes come from the generated schema.
 */
import type { Schemas } from "../api/client";

export type Correction = Schemas["Correction"];
export type Timings = Record<string, number>;
export type TutorResult = Schemas["TutorReply"];
export type LessonDetail = Schemas["LessonDetail"];

/** One line of `POST /api/tutor/message/stream`. */
export type StreamEvent =
  | { type: "lesson"; lesson_id: number; lesson_number: number }
  | { type: "corrections"; corrections: Correction[] }
  | { type: "delta"; text: string }
  | { type: "audio"; sentence: number; wav_base64: string }
  | { type: "error"; code: string; message: string }
  | { type: "done"; result: TutorResult };
