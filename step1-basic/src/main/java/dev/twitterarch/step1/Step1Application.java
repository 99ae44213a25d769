package dev.twitterarch.step1;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.twitterarch.common.CommonConfiguration;
import dev.twitterarch.common.TwitterApplication;

/** Step 1: the shared API with the feed computed by a JOIN at read time. */
@SpringBootApplication
@Import(CommonConfiguration.class)
public class Step1Application {

    public static void main(String[] args) {
        TwitterApplication.run(Step1Application.class, args);
    }
}
