//! Every `#[component]` returns `AnyView`, so a page's view type is a chain of
//! erased boxes instead of one type nesting every component below it. Without
//! this the release `hydrate` build failed with "queries overflow the depth
//! limit" (issue 11) while the debug build passed; the rule keeps the nesting
//! depth of any view type bounded by one component's own markup.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_component_returns_any_view() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut components = 0;
    let mut offenders = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read source");
        let lines: Vec<&str> = source.lines().collect();
        for (number, line) in lines.iter().enumerate() {
            if line.trim() != "#[component]" {
                continue;
            }
            components += 1;
            // The signature: from the attribute to the line that opens the body.
            let signature: Vec<&str> = lines[number + 1..]
                .iter()
                .scan(false, |done, l| {
                    (!*done).then(|| {
                        *done = l.trim_end().ends_with('{');
                        *l
                    })
                })
                .collect();
            if !signature.join(" ").contains("-> AnyView") {
                offenders.push(format!("{}:{}", file.display(), number + 1));
            }
        }
    }
    assert!(
        components > 40,
        "found only {components} components: is the scan broken?"
    );
    assert!(
        offenders.is_empty(),
        "components must return AnyView (end the view with .into_any()):\n{}",
        offenders.join("\n")
    );
}
