package lima.train.tokenize;

import java.nio.file.Files;
import java.nio.file.Path;

/** A hand-written word-level tokenizer.json (read by the HF tokenizers library) for tests. */
public final class WordTokenizer {
  private WordTokenizer() {}

  public static final String[] WORDS = {"<unk>", "<s>", "</s>", "hi", "there", "hello", "you", "more", "ok", "a", "b", "c"};

  /** A word-level tokenizer.json written by hand (the HF tokenizers library reads it). */
  public static Path write(Path dir) throws Exception {
    Files.createDirectories(dir);
    StringBuilder vocab = new StringBuilder();
    for (int i = 0; i < WORDS.length; i++) vocab.append(i == 0 ? "" : ",").append('"').append(WORDS[i]).append("\":").append(i);
    Files.writeString(dir.resolve("tokenizer.json"), """
        {"version":"1.0","truncation":null,"padding":null,
         "added_tokens":[{"id":0,"content":"<unk>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
                         {"id":1,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
                         {"id":2,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
         "normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,
         "model":{"type":"WordLevel","vocab":{%s},"unk_token":"<unk>"}}
        """.formatted(vocab));
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\":\"<s>\",\"eos_token\":\"</s>\",\"unk_token\":\"<unk>\"}");
    return dir;
  }

}
