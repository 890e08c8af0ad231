// The built-in style.css of every sitegen site; a site's `theme` overrides its custom
// properties in theme.css.
#include "site/render.h"

namespace pond::site {

std::string StyleCss() {
  return R"(:root {
  --accent: #1f6f8b;
  --text: #1d2429;
  --muted: #5f6b73;
  --background: #ffffff;
  --panel: #f3f6f8;
  --border: #d8dee3;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; font-family: var(--font); color: var(--text); background: var(--background); line-height: 1.55; }
a { color: var(--accent); }
.site-header { display: flex; align-items: center; gap: 1rem; padding: 0.8rem 1.5rem; border-bottom: 1px solid var(--border); }
.site-title { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--text); }
.banner { max-height: 48px; }
.site { display: flex; min-height: calc(100vh - 7rem); }
.sidebar { flex: 0 0 15rem; padding: 1rem 1.2rem; background: var(--panel); border-right: 1px solid var(--border); }
.sidebar ul { list-style: none; margin: 0; padding-left: 0.8rem; }
.sidebar > nav > ul, .sidebar > ul { padding-left: 0; }
.sidebar li { margin: 0.25rem 0; }
.sidebar a.current { font-weight: 700; color: var(--text); text-decoration: none; }
main { flex: 1; min-width: 0; padding: 1rem 2rem 3rem; max-width: 60rem; }
main h1 { margin-top: 0.5rem; }
.anchor { visibility: hidden; text-decoration: none; color: var(--muted); }
h2:hover .anchor, h3:hover .anchor, h4:hover .anchor { visibility: visible; }
.breadcrumb { color: var(--muted); font-size: 0.9rem; margin-bottom: 0.5rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--border); padding: 0.3rem 0.6rem; }
pre, code { background: var(--panel); border-radius: 3px; }
pre { padding: 0.8rem; overflow-x: auto; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; }
.figure-left { float: left; margin-right: 1.5rem; max-width: 50%; }
.figure-right { float: right; margin-left: 1.5rem; max-width: 50%; }
figcaption { color: var(--muted); font-size: 0.9rem; }
.blog-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--border); border-radius: 6px; padding: 0.8rem 1rem; }
.card img { width: 100%; border-radius: 4px; }
.card h3 { margin: 0.4rem 0; }
.card time { color: var(--muted); font-size: 0.85rem; }
.site-footer { padding: 1rem 1.5rem; border-top: 1px solid var(--border); color: var(--muted); font-size: 0.9rem; }
@media (max-width: 48rem) { .site { display: block; } .sidebar { border-right: 0; border-bottom: 1px solid var(--border); } }
)";
}

}  // namespace pond::site
