package dev.twitterarch.step2;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.twitterarch.common.CommonConfiguration;
import dev.twitterarch.common.TwitterApplication;

/** Step 2: the shared API with feed rows precomputed in the tweet's own transaction. */
@SpringBootApplication
@Import(CommonConfiguration.class)
public class Step2Application {

    public static void main(String[] args) {
        TwitterApplication.run(Step2Application.class, args);
    }
}
