"""Citations: footnotes, URLs and credits ("selon l'AFP") as the sources an article rests on."""
