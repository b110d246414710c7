// Phone cameras take 12-megapixel photos of 4-8 MB; a drawing reads just as well at a fraction of that,
// and the upload on a mobile connection is what the parent waits for.

export const LONGEST_SIDE = 2048;
export const SMALL_ENOUGH_BYTES = 1.5 * 1024 * 1024;
const JPEG_QUALITY = 0.88;

export interface Drawing {
  blob: Blob;
  name: string;
}

/** The photo at most LONGEST_SIDE pixels across, as JPEG; small photos and pictures the browser can't open go as they are. */
export async function downscale(file: File): Promise<Drawing> {
  if (!file.type.startsWith("image/") || file.size <= SMALL_ENOUGH_BYTES) return { blob: file, name: file.name };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return { blob: file, name: file.name }; // HEIC in most browsers: the gateway reads it
  }
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const context = canvas.getContext("2d");
  if (!context) return { blob: file, name: file.name };
  context.fillStyle = "#ffffff"; // transparent PNGs become a drawing on white paper
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  if (!blob || blob.size >= file.size) return { blob: file, name: file.name };
  return { blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg" };
}
