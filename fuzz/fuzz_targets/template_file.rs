//! A template file to import: parsed and checked (fields, keys, flag and alert rules), or refused
//! with an error; never a panic.
#![no_main]

use arcwell::documents::Template;
use arcwell::documents::library::TemplateFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(file) = TemplateFile::parse(text) else { return };
    let template = Template {
        id: Default::default(),
        family: String::new(),
        version: 1,
        name: file.name,
        phase: file.phase,
        description: file.description,
        fields: file.fields,
    };
    let _ = template.check();
});
