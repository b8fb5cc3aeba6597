// Package clip shortens text to the limit of where it is written, and marks the cut.
//
// Two rules, one for each kind of reader:
//
//   - Messages whose length an API counts in bytes (an Event's note, a policy report's result,
//     an admission warning, a value in a JSON log line) are cut by End, Head or Middle to at
//     most n bytes, never inside a character, and marked with Ellipsis ("...", ASCII, as
//     kubectl and any terminal show it). List fits a list of names into such a message.
//   - Reports that people read and no API bounds (the text and Markdown reports) are cut by
//     Chars to n characters, and marked with "…", which costs one character.
package clip
