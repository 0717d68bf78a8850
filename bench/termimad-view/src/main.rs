//! `termimad-view FILE`: renders a markdown file at the terminal's width, the whole document,
//! as termimad's `print_text` does.
fn main() {
    let path = std::env::args().nth(1).expect("usage: termimad-view FILE");
    let text = std::fs::read_to_string(path).expect("read the file");
    termimad::print_text(&text);
}
