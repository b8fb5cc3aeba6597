package viable
