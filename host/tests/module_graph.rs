//! The modules of `azfn-host` import one another without a cycle (issue 13): a module that
//! uses another is above it, so each can be read, and changed, knowing only what is below it.
//!
//! The graph is read from the sources with `syn`: every path a module's code names (`use`
//! declarations and paths in expressions, types and patterns; comments and doc links aside),
//! resolved to the module that defines the item, re-exports followed. `mod child;` alone is not
//! a use of the child.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module, by its path below the crate root (`[]` is the root, `["start", "queue"]`).
type ModulePath = Vec<String>;

struct Module {
    path: ModulePath,
    file: syn::File,
    children: BTreeSet<String>,
}

/// Every file module of the crate, from `src/lib.rs` down through `mod name;` declarations.
fn modules(root: &Path) -> Vec<Module> {
    let mut found = Vec::new();
    let mut pending = vec![(Vec::new(), root.join("lib.rs"))];
    while let Some((path, file_path)) = pending.pop() {
        let text = std::fs::read_to_string(&file_path)
            .unwrap_or_else(|e| panic!("{}: {e}", file_path.display()));
        let file =
            syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file_path.display()));
        // `lib.rs` and `mod.rs` hold their children beside them; `name.rs` in `name/`.
        let dir: PathBuf = match file_path.file_name().and_then(|n| n.to_str()) {
            Some("lib.rs" | "mod.rs") => file_path.parent().unwrap().to_owned(),
            _ => file_path.with_extension(""),
        };
        let mut children = BTreeSet::new();
        for item in &file.items {
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
            {
                let name = m.ident.to_string();
                let child = [
                    dir.join(format!("{name}.rs")),
                    dir.join(&name).join("mod.rs"),
                ]
                .into_iter()
                .find(|p| p.is_file())
                .unwrap_or_else(|| panic!("no file for `mod {name}` in {}", dir.display()));
                let mut child_path = path.clone();
                child_path.push(name.clone());
                pending.push((child_path, child));
                children.insert(name);
            }
        }
        found.push(Module {
            path,
            file,
            children,
        });
    }
    found
}

/// The paths one module names, with whether each comes from a `use` declaration.
#[derive(Default)]
struct Paths {
    paths: Vec<Vec<String>>,
    /// `pub use` / `pub(crate) use` declarations: name → the path it stands for.
    reexports: BTreeMap<String, Vec<String>>,
}

impl Paths {
    fn add_use_tree(&mut self, prefix: &[String], tree: &syn::UseTree, reexport: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut prefix = prefix.to_vec();
                prefix.push(p.ident.to_string());
                self.add_use_tree(&prefix, &p.tree, reexport);
            }
            syn::UseTree::Name(n) => self.add_use(prefix, &n.ident.to_string(), None, reexport),
            syn::UseTree::Rename(r) => self.add_use(
                prefix,
                &r.ident.to_string(),
                Some(r.rename.to_string()),
                reexport,
            ),
            syn::UseTree::Glob(_) => self.paths.push(prefix.to_vec()),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.add_use_tree(prefix, tree, reexport);
                }
            }
        }
    }

    fn add_use(&mut self, prefix: &[String], name: &str, rename: Option<String>, reexport: bool) {
        let mut path = prefix.to_vec();
        if name != "self" {
            path.push(name.to_owned());
        }
        if reexport {
            let alias = rename.unwrap_or_else(|| path.last().cloned().unwrap_or_default());
            self.reexports.insert(alias, path.clone());
        }
        self.paths.push(path);
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let reexport = !matches!(item.vis, syn::Visibility::Inherited);
        self.add_use_tree(&[], &item.tree, reexport);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.paths
            .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }

    /// `pub(crate)` and `pub(super)` name a module without using it.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    /// `#[cfg(test)] mod tests` is the module's own test code, not part of the graph.
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let is_test = item.attrs.iter().any(|a| {
            a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
        });
        if !is_test {
            syn::visit::visit_item_mod(self, item);
        }
    }
}

struct Graph {
    modules: BTreeMap<ModulePath, (BTreeSet<String>, Paths)>,
}

impl Graph {
    fn new(root: &Path) -> Graph {
        let modules = modules(root)
            .into_iter()
            .map(|m| {
                let mut paths = Paths::default();
                paths.visit_file(&m.file);
                (m.path, (m.children, paths))
            })
            .collect();
        Graph { modules }
    }

    /// The module that defines what `path` names, seen from `from`; `None` outside the crate.
    fn resolve(&self, from: &ModulePath, path: &[String], depth: usize) -> Option<ModulePath> {
        if depth > 16 {
            return None;
        }
        let (mut module, rest): (ModulePath, &[String]) = match path.first().map(String::as_str) {
            Some("crate") => (Vec::new(), &path[1..]),
            Some("self") => (from.clone(), &path[1..]),
            Some("super") => {
                let mut module = from.clone();
                let mut rest = path;
                while rest.first().is_some_and(|s| s == "super") {
                    module.pop();
                    rest = &rest[1..];
                }
                (module, rest)
            }
            Some(first) if self.modules[from].0.contains(first) => (from.clone(), path),
            _ => return None,
        };
        for (i, segment) in rest.iter().enumerate() {
            let (children, paths) = &self.modules[&module];
            if children.contains(segment) {
                module.push(segment.clone());
                continue;
            }
            // An item of `module`, or a name it re-exports from elsewhere.
            if let Some(target) = paths.reexports.get(segment) {
                let mut target = target.clone();
                target.extend(rest[i + 1..].iter().cloned());
                return self.resolve(&module, &target, depth + 1).or(Some(module));
            }
            return Some(module);
        }
        Some(module)
    }

    /// Module → the modules it uses.
    fn edges(&self) -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
        let mut edges = BTreeMap::new();
        for (module, (_, paths)) in &self.modules {
            let used: BTreeSet<ModulePath> = paths
                .paths
                .iter()
                .filter_map(|p| self.resolve(module, p, 0))
                .filter(|target| target != module)
                .collect();
            edges.insert(module.clone(), used);
        }
        edges
    }
}

fn name(path: &ModulePath) -> String {
    if path.is_empty() {
        "crate".into()
    } else {
        path.join("::")
    }
}

/// Every cycle's modules, as strongly connected components of more than one module (Tarjan).
fn cycles(edges: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<ModulePath, BTreeSet<ModulePath>>,
        index: BTreeMap<&'a ModulePath, usize>,
        low: BTreeMap<&'a ModulePath, usize>,
        stack: Vec<&'a ModulePath>,
        on_stack: BTreeSet<&'a ModulePath>,
        found: Vec<Vec<String>>,
    }
    fn connect<'a>(state: &mut State<'a>, node: &'a ModulePath) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        for next in &state.edges[node] {
            if !state.index.contains_key(next) {
                connect(state, next);
                let low = state.low[next].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.index[next].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(name(top));
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node) {
            connect(&mut state, node);
        }
    }
    state.found
}

#[test]
fn the_modules_of_azfn_host_import_one_another_without_a_cycle() {
    let graph = Graph::new(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let edges = graph.edges();
    let found = cycles(&edges);
    let describe: Vec<String> = found
        .iter()
        .map(|component| {
            let members: BTreeSet<&String> = component.iter().collect();
            let inner: Vec<String> = edges
                .iter()
                .filter(|(from, _)| members.contains(&name(from)))
                .flat_map(|(from, to)| {
                    to.iter()
                        .filter(|t| members.contains(&name(t)))
                        .map(move |t| format!("{} -> {}", name(from), name(t)))
                })
                .collect();
            format!("{}:\n    {}", component.join(", "), inner.join("\n    "))
        })
        .collect();
    assert!(
        found.is_empty(),
        "{} import cycle(s) among azfn-host's modules:\n{}",
        found.len(),
        describe.join("\n")
    );
}

/// The checker finds a cycle when there is one, and none in a layered graph.
#[test]
fn the_checker_finds_cycles_and_only_cycles() {
    let path = |s: &str| -> ModulePath { s.split("::").map(str::to_owned).collect() };
    let graph = |pairs: &[(&str, &str)]| {
        let mut edges: BTreeMap<ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
        for (from, to) in pairs {
            edges.entry(path(from)).or_default().insert(path(to));
            edges.entry(path(to)).or_default();
        }
        edges
    };
    assert!(cycles(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
    assert_eq!(
        cycles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
        [["a", "b", "c"]]
    );
}
