//! Prints what the pattern tier makes of messages given as arguments.
//! Run: `cargo run -p mcp-intent --example debug_tokens -- "message" ...`
#[allow(clippy::print_stdout)]
fn main() {
    let analyzer = mcp_intent::Analyzer::default();
    for message in std::env::args().skip(1) {
        let request = mcp_intent::AnalyzeRequest {
            message: message.clone(),
            locale: None,
            history: None,
        };
        match analyzer.analyze_patterns(&request) {
            Ok(found) => println!(
                "{message:?}\n  tokens: {:?}\n  → {} {:.2} {:?}\n  candidates: {:?}",
                analyzer.patterns().tokens(&message),
                found.analysis.intent,
                found.analysis.confidence,
                found.analysis.entities,
                found.candidates
            ),
            Err(e) => println!("{message:?}: {e}"),
        }
    }
}
