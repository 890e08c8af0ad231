// Observable Framework configuration of the DuckPond demo site (tools/demo.sh
// copies it into demo-out/site/). The pages under src/ are rendered by `pond export`
// from data/demo/*.tera; the sidebar lists them by folder.
import {existsSync, readFileSync, readdirSync} from "node:fs";

const src = new URL("src/", import.meta.url);

// The pages of one folder, named by the `title` of their front matter.
function section(name, folder) {
  const dir = new URL(`${folder}/`, src);
  if (!existsSync(dir)) return [];
  const pages = readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => {
      const title = /^title:\s*(.+)$/m.exec(readFileSync(new URL(f, dir), "utf8"));
      return {name: title ? title[1].trim() : f.slice(0, -3), path: `/${folder}/${f.slice(0, -3)}`};
    });
  return pages.length ? [{name, open: true, pages}] : [];
}

export default {
  title: "DuckPond demo",
  root: "src",
  output: "dist",
  pages: [...section("Sites", "sites"), ...section("Parameters", "params")],
  // No Google Fonts stylesheet: the built site loads nothing from other hosts.
  globalStylesheets: [],
  // An empty icon, so browsers do not ask for a /favicon.ico that is not there.
  head: '<link rel="icon" href="data:,">',
  style: "style.css",
  // Links end in .html, so any static file server can serve dist/.
  preserveExtension: true,
  search: false,
  toc: false,
  footer: "Built by DuckPond with Observable Framework."
};
