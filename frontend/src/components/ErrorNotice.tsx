import type { ReactNode } from "react";

import { Icon } from "./Icon";

/** A problem, said plainly, with the way forward as its children (buttons or links). */
export function ErrorNotice({ message, children }: { message: string; children?: ReactNode }) {
  return (
    <div className="error-notice" role="alert">
      <p>
        <Icon name="alert" />
        <span>{message}</span>
      </p>
      {children && <div className="actions">{children}</div>}
    </div>
  );
}
