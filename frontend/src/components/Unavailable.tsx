import { OFFLINE_MESSAGE } from "../api/errors";
import { RetryNotice } from "./RetryNotice";

/** Before sign-in is possible at all: the gateway could not be reached. */
export function Unavailable({ onRetry }: { onRetry: () => void }) {
  return (
    <main id="main" className="page">
      <RetryNotice message={OFFLINE_MESSAGE} onRetry={onRetry} />
    </main>
  );
}
