import { Navigate, Route, Routes } from "react-router";

import { RequireAuth } from "./auth/RequireAuth";
import { SignInPage } from "./auth/SignInPage";
import { Layout } from "./components/Layout";
import { LibraryPage } from "./library/LibraryPage";
import { CustomisePage } from "./wizard/CustomisePage";
import { PreviewPage } from "./wizard/PreviewPage";
import { RecognisePage } from "./wizard/RecognisePage";
import { ScriptPage } from "./wizard/ScriptPage";
import { UploadPage } from "./wizard/UploadPage";

/** Every screen has its own URL, and a run's screens carry its id: refresh, back and forward land where the parent was. */
export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route path="/" element={<Navigate to="/new" replace />} />
        <Route path="/new" element={<UploadPage />} />
        <Route path="/runs/:runId" element={<Navigate to="recognise" replace />} />
        <Route path="/runs/:runId/recognise" element={<RecognisePage />} />
        <Route path="/runs/:runId/customise/:choice?" element={<CustomisePage />} />
        <Route path="/runs/:runId/script" element={<ScriptPage />} />
        <Route path="/runs/:runId/preview" element={<PreviewPage />} />
        <Route path="/library" element={<LibraryPage />} />
        <Route path="*" element={<Navigate to="/new" replace />} />
      </Route>
    </Routes>
  );
}
