import type { ReactNode } from "react";

import { ErrorNotice } from "./ErrorNotice";

interface Props {
  message: string;
  /** Absent when trying again cannot help. */
  onRetry?: () => void;
  /** Whether trying again is the main way on (otherwise it sits beside what the page is showing). */
  primary?: boolean;
  /** Other ways on, after "Try again". */
  children?: ReactNode;
}

/** A problem that may pass: the notice with a "Try again" button. */
export function RetryNotice({ message, onRetry, primary = true, children }: Props) {
  if (!onRetry) return <ErrorNotice message={message}>{children}</ErrorNotice>;
  return (
    <ErrorNotice message={message}>
      <button type="button" className={primary ? "button button--primary" : "button"} onClick={onRetry}>
        Try again
      </button>
      {children}
    </ErrorNotice>
  );
}
