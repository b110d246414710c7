import { OFFLINE_MESSAGE } from "../api/errors";
import { ErrorNotice } from "./ErrorNotice";

/** Before sign-in is possible at all: the gateway could not be reached. */
export function Unavailable({ onRetry }: { onRetry: () => void }) {
  return (
    <main id="main" className="page">
      <ErrorNotice message={OFFLINE_MESSAGE}>
        <button type="button" className="button button--primary" onClick={onRetry}>
          Try again
        </button>
      </ErrorNotice>
    </main>
  );
}
