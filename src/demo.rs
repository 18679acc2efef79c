pub fn seed() {}
