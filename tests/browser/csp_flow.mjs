// Every page of the app in turn, as an admin who is site staff: none breaks the
// Content-Security-Policy (each violation the browser reports is collected) and none throws.
// Prints what it saw as JSON on the last line (test_content_security_policy.py makes and checks).
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = { visited: [], violations: [], policy: "" };

await runPageFlow(env, result, async (page) => {
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__violations = window.__violations || [];
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const login = await page.goto(`${env.BASE_URL}/login/`);
  result.policy = (await login.headerValue("content-security-policy")) || "";
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  for (const path of JSON.parse(env.PAGES)) {
    await page.goto(`${env.BASE_URL}${path}`);
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(300);
    const violations = await page.evaluate(() => window.__violations || []);
    result.violations.push(...violations.map((v) => `${path}: ${v}`));
    result.visited.push([path, await page.title()]);
  }
});
