// Each stored image as the browser draws it: loaded from its URL as the annotation page loads
// it, drawn at its natural size on a canvas (EXIF orientation applied, as on the page) and read
// back. Prints, as JSON on the last line, each image's size and RGB bytes in base64
// (test_upload_pixels.py makes the images and compares them with what the engine receives).
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = { images: {} };

await runPageFlow(env, result, async (page) => {
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  for (const [name, url] of Object.entries(JSON.parse(env.IMAGES))) {
    result.images[name] = await page.evaluate(async (src) => {
      const image = new Image();
      image.src = src;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const ctx = canvas.getContext("2d");
      ctx.drawImage(image, 0, 0);
      const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let rgb = "";
      for (let i = 0; i < rgba.length; i += 4) {
        rgb += String.fromCharCode(rgba[i], rgba[i + 1], rgba[i + 2]);
      }
      return { width: canvas.width, height: canvas.height, rgb: btoa(rgb) };
    }, url);
  }
});
