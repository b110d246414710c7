// Every failure the app shows is an ApiError with a message a parent can act on.

const FALLBACK_MESSAGES: Record<number, string> = {
  400: "Something in that request wasn't right. Please try again.",
  401: "Please sign in again.",
  403: "That isn't yours to open.",
  404: "We couldn't find that. It may have expired.",
  409: "That can't be done right now. Please reload and try again.",
  413: "That photo is too big. Please choose a smaller one.",
  415: "Please choose a photo of the drawing (JPEG, PNG, WebP or HEIC).",
  422: "Something in that wasn't quite right. Please check and try again.",
  429: "You have a few storybooks being made already. Please wait a moment and try again.",
};

export const OFFLINE_MESSAGE = "We couldn't reach NoComelon. Please check your connection and try again.";
export const SERVER_MESSAGE = "Something went wrong on our side. Please try again in a moment.";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    let code = "error";
    let message: string | undefined;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message;
    } catch {
      // Not the gateway's JSON (a proxy's error page, say): the fallback below says it better.
    }
    const fallback = response.status >= 500 ? SERVER_MESSAGE : (FALLBACK_MESSAGES[response.status] ?? SERVER_MESSAGE);
    return new ApiError(response.status, code, message || fallback);
  }

  static offline(): ApiError {
    return new ApiError(0, "offline", OFFLINE_MESSAGE);
  }
}

/** The message to show for anything thrown while talking to the API. */
export function friendlyMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return SERVER_MESSAGE;
}
