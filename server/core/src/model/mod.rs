//! The stage / instruction / shell model.
pub struct Model<'a> {
    pub text: &'a str,
}

impl<'a> Model<'a> {
    pub fn build(text: &'a str, _tree: &tree_sitter::Tree) -> Model<'a> {
        Model { text }
    }
}
