//! Backstage's software catalog (`catalog-info.yaml`, one or many documents): the components
//! and resources it names and their `spec.dependsOn`, for filling `depends_on`.

use crate::core::id::suggest_id;
use crate::finding::Finding;
use crate::monitoring::yaml::{documents, get, items, pos, text};

/// One catalog entity that can be a component of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// `Component` or `Resource`.
    pub kind: String,
    /// The register id: `metadata.name` as a faultline id.
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `spec.owner` without its `group:` prefix.
    pub owner: Option<String>,
    /// `spec.dependsOn`, each without its `kind:namespace/` prefix, as ids.
    pub depends_on: Vec<String>,
    pub line: usize,
}

/// The kinds that are parts of a running system (not groups, users, APIs or templates).
const KINDS: [&str; 2] = ["Component", "Resource"];

/// Reads every entity of one catalog file, with a finding for each entity whose name makes no
/// register id (`!!!`), which is left out; a file that is not YAML is one finding.
pub fn read(path: &str, source: &str) -> Result<(Vec<Entity>, Vec<Finding>), Finding> {
    let docs = documents(source)
        .map_err(|(pos, message)| Finding::error(path, pos, "catalog-unparseable", message))?;
    let mut entities = Vec::new();
    let mut findings = Vec::new();
    for doc in &docs {
        let Some(kind) = get(doc, "kind").and_then(text) else {
            continue;
        };
        if !KINDS.contains(&kind) {
            continue;
        }
        let metadata = get(doc, "metadata");
        let Some(name) = metadata.and_then(|m| get(m, "name")).and_then(text) else {
            continue;
        };
        // Text from the catalog goes into the register: controls become visible placeholders,
        // as everywhere else text from a file is shown.
        let field = |node: Option<&_>, key: &str| {
            node.and_then(|n| get(n, key))
                .and_then(text)
                .map(|t| crate::sanitize::sanitize(t.trim()).into_owned())
                .filter(|t| !t.is_empty())
        };
        let spec = get(doc, "spec");
        let id = suggest_id(name);
        if !crate::core::id::is_valid_id(&id) {
            findings.push(Finding::error(
                path,
                pos(doc),
                "catalog-name",
                format!(
                    "{kind} `{}` makes no register id (lowercase letters, digits and hyphens): left out",
                    crate::sanitize::quote(name)
                ),
            ));
            continue;
        }
        let mut depends_on: Vec<String> = Vec::new();
        for dep in items(spec.and_then(|s| get(s, "dependsOn"))) {
            if let Some(reference) = text(dep) {
                let dep_id = suggest_id(entity_name(reference));
                if !dep_id.is_empty() && dep_id != id && !depends_on.contains(&dep_id) {
                    depends_on.push(dep_id);
                }
            }
        }
        entities.push(Entity {
            kind: kind.to_owned(),
            id,
            title: field(metadata, "title"),
            description: field(metadata, "description"),
            owner: field(spec, "owner").map(|o| entity_name(&o).to_owned()),
            depends_on,
            line: pos(doc).line,
        });
    }
    Ok((entities, findings))
}

/// `resource:default/orders-db` → `orders-db`; `component:payments` → `payments`.
fn entity_name(reference: &str) -> &str {
    let after_kind = reference.split_once(':').map_or(reference, |(_, r)| r);
    after_kind
        .rsplit_once('/')
        .map_or(after_kind, |(_, name)| name)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_their_dependencies() {
        let source = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments-api\n  title: Payments API\nspec:\n  owner: group:default/team-payments\n  dependsOn:\n    - resource:default/orders-db\n    - component:session_cache\n---\nkind: Group\nmetadata:\n  name: team-payments\n---\nkind: Resource\nmetadata:\n  name: orders-db\n";
        let (entities, findings) = read("catalog-info.yaml", source).unwrap();
        assert!(findings.is_empty());
        assert_eq!(entities.len(), 2);
        assert_eq!(entities[0].id, "payments-api");
        assert_eq!(entities[0].owner.as_deref(), Some("team-payments"));
        assert_eq!(entities[0].depends_on, ["orders-db", "session-cache"]);
        assert_eq!(entities[1].line, 16);
        assert!(read("x.yaml", "kind: [").is_err());
    }

    #[test]
    fn a_name_that_makes_no_id_is_an_error_at_its_line_and_titles_are_sanitised() {
        let source = "kind: Component\nmetadata:\n  name: \"!!!\"\n---\nkind: Component\nmetadata:\n  name: ok\n  title: \"T\\e]0;x\\a\\nnext\"\n";
        let (entities, findings) = read("catalog-info.yaml", source).unwrap();
        assert_eq!(entities.len(), 1);
        assert_eq!(entities[0].id, "ok");
        assert_eq!(entities[0].title.as_deref(), Some("T␛]0;x␇␊next"));
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].to_string(),
            "catalog-info.yaml:1:1: error: Component `!!!` makes no register id (lowercase letters, digits and hyphens): left out [catalog-name]"
        );
    }
}
