import type { Paper } from "../api/types";
import { useFileUrl } from "../api/useFileUrl";

const PAPERS: { value: Paper; label: string }[] = [
  { value: "a4", label: "A4" },
  { value: "letter", label: "US Letter" },
];

/** Links to the printable picture book, one per paper size it was made in; nothing for a storybook without one. */
export function BookLinks({ bookKeys, title }: { bookKeys: Partial<Record<Paper, string>> | undefined; title: string }) {
  const made = PAPERS.filter((paper) => bookKeys?.[paper.value]);
  if (made.length === 0) return null;
  return (
    <p className="book-links">
      <span>Print the picture book:</span>
      {made.map((paper) => (
        <BookLink key={paper.value} s3Key={bookKeys?.[paper.value] ?? ""} label={paper.label} title={title} />
      ))}
    </p>
  );
}

function BookLink({ s3Key, label, title }: { s3Key: string; label: string; title: string }) {
  const { url } = useFileUrl(s3Key);
  if (!url) return <span className="hint">{label}…</span>;
  return (
    <a className="button button--small" href={url} target="_blank" rel="noopener noreferrer">
      {label}
      <span className="visually-hidden"> PDF of “{title}” (opens in a new tab)</span>
    </a>
  );
}
