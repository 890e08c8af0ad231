// tera-oracle [--bench N] TEMPLATE CTX.json: renders TEMPLATE with Tera 1.17.1 plus the
// DuckPond helpers (docs/templates.md), the reference for tests/tera. Every other template file
// of TEMPLATE's folder is registered under its file name, so include/import/extends resolve.
// With --bench N (for bench/), it renders once, then N times, and prints the mean
// nanoseconds of one render instead of the output: parsing and process start excluded.
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::time::Instant;
use std::{error::Error as _, fs, path::Path, process::exit};
use tera::{Context, Error, Result, Tera};

// group(by, in): `by` value (strings as is, others as compact JSON) → items in order.
fn group(args: &HashMap<String, Value>) -> Result<Value> {
    let by = args.get("by").and_then(Value::as_str).ok_or("group: `by` must be a string")?;
    let items = args.get("in").and_then(Value::as_array).ok_or("group: `in` must be an array")?;
    let mut groups = Map::new();
    for item in items {
        let key = match item.get(by) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => return Err(Error::msg(format!("group: item has no key `{}`", by))),
        };
        let entry = groups.entry(key).or_insert_with(|| Value::Array(vec![]));
        entry.as_array_mut().unwrap().push(item.clone());
    }
    Ok(Value::Object(groups))
}

// to_json: compact JSON; serde_json's Map is a BTreeMap here, so keys come out sorted.
fn to_json(value: &Value, _: &HashMap<String, Value>) -> Result<Value> {
    serde_json::to_string(value).map(Value::String).map_err(Error::msg)
}

// The templates of TEMPLATE's folder, the context, and the name to render.
fn load(template: &Path, ctx_path: &Path) -> Result<(Tera, Context, String)> {
    let dir = template.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut files = vec![];
    for entry in fs::read_dir(dir).map_err(Error::msg)? {
        let path = entry.map_err(Error::msg)?.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && name != "ctx.json" && !name.starts_with("expected") {
            files.push((name, fs::read_to_string(&path).map_err(Error::msg)?));
        }
    }
    let mut tera = Tera::default();
    tera.add_raw_templates(files)?;
    tera.register_function("group", group);
    tera.register_filter("to_json", to_json);
    let ctx_text = fs::read_to_string(ctx_path).map_err(Error::msg)?;
    let ctx_value: Value = serde_json::from_str(&ctx_text).map_err(Error::msg)?;
    let ctx = Context::from_value(ctx_value)?;
    Ok((tera, ctx, template.file_name().unwrap().to_string_lossy().into_owned()))
}

fn run(template: &Path, ctx_path: &Path, bench: Option<u32>) -> Result<String> {
    let (tera, ctx, name) = load(template, ctx_path)?;
    let first = tera.render(&name, &ctx)?;
    let Some(n) = bench else { return Ok(first) };
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..n {
        bytes += tera.render(&name, &ctx)?.len();
    }
    let nanos = start.elapsed().as_nanos() / u128::from(n);
    if bytes != first.len() * n as usize {
        return Err(Error::msg("renders differ"));
    }
    Ok(format!("{}\n", nanos))
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut bench = None;
    if args.len() == 4 && args[0] == "--bench" {
        bench = args[1].parse::<u32>().ok().filter(|&n| n > 0);
        if bench.is_none() {
            eprintln!("--bench needs a positive count");
            exit(2);
        }
        args.drain(..2);
    }
    if args.len() != 2 {
        eprintln!("usage: tera-oracle [--bench N] TEMPLATE CTX.json");
        exit(2);
    }
    match run(Path::new(&args[0]), Path::new(&args[1]), bench) {
        Ok(out) => print!("{}", out),
        Err(e) => {
            let mut msg = e.to_string();
            let mut source = e.source();
            while let Some(s) = source {
                msg.push_str(&format!("\n  caused by: {}", s));
                source = s.source();
            }
            eprintln!("{}", msg);
            exit(1);
        }
    }
}
