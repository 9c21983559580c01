//! Given and family names by culture, as they are written (diacritics kept).
//!
//! A culture's names are one string each, entries separated by `", "` (a table to read,
//! not a list to scroll); an entry is `"Name"` or `"Name|Nick"` (the nickname people go by). ASCII forms for
//! `userName` come from [`super::ascii_slug`]; the tests check that every name has a
//! non-empty ASCII form and that ASCII forms are unique across each whole list, which
//! is what makes generated `userName`s unique.

/// One naming culture: the locale its people usually use and their names.
pub(crate) struct Culture {
    /// BCP 47 tag for `locale` and `preferredLanguage`.
    pub(crate) locale: &'static str,
    /// How often this culture is drawn, relative to the others.
    pub(crate) weight: u32,
    /// Family name first in `displayName` and `name.formatted` (East Asian order).
    pub(crate) family_first: bool,
    /// Given names, `"Name"` or `"Name|Nick"`, separated by `", "`.
    pub(crate) given: &'static str,
    /// Family names, separated by `", "`.
    pub(crate) family: &'static str,
}

/// The cultures, in a fixed order (the order is part of the seed semantics).
pub(crate) const CULTURES: &[Culture] = &[
    Culture {
        locale: "en-US",
        weight: 14,
        family_first: false,
        given: "James|Jim, Mary, Robert|Bob, Patricia|Pat, Michael|Mike, Jennifer|Jen, \
                 William|Will, Linda, David|Dave, Elizabeth|Liz, Richard|Rick, Barbara, \
                 Joseph|Joe, Susan|Sue, Thomas|Tom, Jessica|Jess, Christopher|Chris, Sarah, \
                 Daniel|Dan, Karen, Matthew|Matt, Nancy, Anthony|Tony, Ashley, Joshua|Josh, \
                 Emily, Tyler, Madison, Brandon, Hannah, Kayla, Jordan",
        family: "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, \
                  Moore, Jackson, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young, \
                  Allen, King, Wright, Scott, Hill, Green, Adams, Baker, Nelson",
    },
    Culture {
        locale: "en-GB",
        weight: 5,
        family_first: false,
        given: "Oliver|Ollie, Amelia, Harry, Isla, George, Ava, Noah, Mia, Jack, Isabella|Bella, \
                 Charlie, Sophie, Jacob, Grace, Freddie, Lily, Alfie, Evie, Oscar, Poppy, Arthur, \
                 Florence|Flo, Archie, Imogen, Rhys, Siobhan, Callum, Niamh, Eilidh, Angus",
        family: "Evans, Roberts, Hughes, Edwards, Morgan, Murphy, Kelly, O'Brien, Walsh, Byrne, \
                  MacDonald, Campbell, Stewart, Fraser, Cooper, Turner, Parker, Collins, Bennett, \
                  Wood, Hall, Price, Lloyd, Griffiths, Davies, Ward, Cox, Knight",
    },
    Culture {
        locale: "es-ES",
        weight: 5,
        family_first: false,
        given: "José|Pepe, María, Antonio|Toño, Carmen, Manuel|Manolo, Ana, Francisco|Paco, \
                 Isabel|Isa, Javier, Lucía, Alejandro|Álex, Rocío, Pablo, Marta, Iñaki, Nerea, \
                 Itziar, Begoña, Jordi, Montserrat|Montse",
        family: "García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, Gómez, \
                  Díaz, Jiménez, Ruiz, Álvarez, Romero, Navarro, Iglesias, Etxeberria, Puig, \
                  Ferrer",
    },
    Culture {
        locale: "es-MX",
        weight: 5,
        family_first: false,
        given: "Sofía, Diego, Valentina|Vale, Carlos, Camila, Miguel, Daniela|Dani, \
                 Fernando|Nando, Gabriela|Gaby, Santiago|Santi, Ximena, Mateo, Guadalupe|Lupe, \
                 Luis, Regina, Emiliano, Renata, Jesús|Chucho",
        family: "Ramírez, Torres, Flores, Rivera, Reyes, Morales, Castillo, Vargas, Ortega, \
                  Mendoza, Guerrero, Delgado, de la Cruz, Cortés, Salazar, Cervantes, Villalobos, \
                  Aguilar",
    },
    Culture {
        locale: "pt-BR",
        weight: 5,
        family_first: false,
        given: "João, Maria Eduarda|Duda, Gabriel|Gabi, Ana Clara, Lucas, Júlia, Pedro, \
                 Beatriz|Bia, Matheus, Larissa, Rafael|Rafa, Letícia, Gustavo|Guga, \
                 Fernanda|Nanda, Thiago, Mariana|Mari, Bruno, Juliana|Ju, Felipe, Vitória, Caio, \
                 Luana, Leonardo|Léo, Bianca, Enzo",
        family: "Silva, Santos, Oliveira, Souza, Lima, Pereira, Ferreira, Costa, Rodrigues, \
                  Almeida, Nascimento, Carvalho, Araújo, Ribeiro, Barbosa, Cardoso, Rocha, Dias, \
                  Teixeira, Moreira, Cavalcanti, Monteiro, Gonçalves, Azevedo, Fonseca",
    },
    Culture {
        locale: "fr-FR",
        weight: 5,
        family_first: false,
        given: "Louis, Camille, Léa, Hugo, Chloé, Théo, Manon, Raphaël, Inès, Jules, Zoé, \
                 Clément, Élodie, Mathieu, Océane, Antoine, Margaux, Benoît, Aurélie, Étienne, \
                 Amélie, François, Solène, Maxime|Max, Juliette, Baptiste, Capucine, Jean-Luc, \
                 Marie-Claire, Aïcha",
        family: "Martin, Bernard, Dubois, Durand, Leroy, Moreau, Laurent, Lefèvre, Roux, \
                  Fournier, Girard, Bonnet, Dupont, Lambert, Fontaine, Rousseau, Vincent, \
                  Mercier, Blanc, Guérin, Faure, Chevalier, Gauthier, Perrin, Lemaire",
    },
    Culture {
        locale: "de-DE",
        weight: 5,
        family_first: false,
        given: "Lukas, Jürgen, Anna, Maximilian|Max, Lena, Felix, Leonie, Jonas, Paul, Marie, \
                 Leon, Johanna|Jo, Finn, Katharina|Kathi, Tobias|Tobi, Sabine, Stefan, \
                 Ursula|Uschi, Wolfgang, Greta, Matthias, Birgit, Dieter, Anke, Jörg, Heike, \
                 Friederike|Fritzi, Klaus, Annegret, Milena",
        family: "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, \
                  Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, \
                  Schwarz, Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange, Weiß, Köhler, \
                  Vogel",
    },
    Culture {
        locale: "it-IT",
        weight: 4,
        family_first: false,
        given: "Giuseppe|Beppe, Francesca|Fra, Giovanni|Gianni, Chiara, Alessandro|Ale, Giulia, \
                 Lorenzo, Martina, Matteo, Sara, Riccardo, Alessia, Federico|Fede, Elisa, Marco, \
                 Simone, Aurora, Andrea, Beatrice, Niccolò, Ginevra, Salvatore|Totò, Paola, \
                 Vittoria",
        family: "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, \
                  Bruno, Gallo, Conti, De Luca, Mancini, Giordano, Rizzo, Lombardi, Moretti, \
                  Barbieri, Fontana, Santoro, Mariani, Rinaldi, Caruso",
    },
    Culture {
        locale: "nl-NL",
        weight: 3,
        family_first: false,
        given: "Daan, Sanne, Bram, Femke, Sem, Lotte, Thijs, Fleur, Jesse, Anouk, Ruud, Marieke, \
                 Pieter|Piet, Joost, Eline, Wouter, Floor, Stijn, Maaike, Sven",
        family: "de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Visser, Smit, Meijer, \
                  de Boer, Mulder, de Groot, Bos, Vos, Peeters, Hendriks, van Leeuwen, Dekker, \
                  Brouwer, de Wit",
    },
    Culture {
        locale: "sv-SE",
        weight: 2,
        family_first: false,
        given: "Lars, Ingrid, Erik, Astrid, Magnus, Sigrid, Anders, Linnéa, Björn, Elin, Nils, \
                 Maja, Oskar, Saga, Ebba, Gustav",
        family: "Johansson, Andersson, Karlsson, Nilsson, Eriksson, Larsson, Lindqvist, Berg, \
                  Lindström, Sjöberg, Åberg, Holm",
    },
    Culture {
        locale: "da-DK",
        weight: 1,
        family_first: false,
        given: "Søren, Freja, Mikkel, Ida, Rasmus, Signe, Mads, Frederikke",
        family: "Olsen, Hansen, Nielsen, Jensen, Pedersen, Christensen, Møller",
    },
    Culture {
        locale: "nb-NO",
        weight: 1,
        family_first: false,
        given: "Henrik, Tuva, Sindre, Ingeborg, Håkon, Solveig, Eirik, Ragnhild",
        family: "Haugen, Bakke, Solberg, Dahl, Strand, Lie, Ødegård, Eide",
    },
    Culture {
        locale: "fi-FI",
        weight: 1,
        family_first: false,
        given: "Aino, Juhani, Eero, Aleksi, Helmi, Veera, Onni, Päivi",
        family: "Virtanen, Korhonen, Mäkinen, Nieminen, Laine, Heikkinen",
    },
    Culture {
        locale: "is-IS",
        weight: 1,
        family_first: false,
        given: "Guðrún, Sigurður, Katrín, Ólafur, Þóra, Einar",
        family: "Sigurðsson, Jónsdóttir, Guðmundsson, Magnúsdóttir, Ólafsson",
    },
    Culture {
        locale: "pl-PL",
        weight: 3,
        family_first: false,
        given: "Łukasz, Agnieszka|Aga, Krzysztof|Krzyś, Małgorzata|Gosia, Piotr, Katarzyna|Kasia, \
                 Tomasz|Tomek, Magdalena|Magda, Paweł, Joanna|Asia, Michał, Zofia|Zosia, \
                 Wojciech|Wojtek, Aleksandra|Ola, Jakub|Kuba",
        family: "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, \
                  Zieliński, Szymański, Woźniak, Dąbrowski, Kozłowski, Mazur, Krawczyk",
    },
    Culture {
        locale: "cs-CZ",
        weight: 1,
        family_first: false,
        given: "Ondřej, Tereza, Jiří, Lucie, Vojtěch, Markéta, Radek, Eliška",
        family: "Novák, Svoboda, Dvořák, Černý, Procházka, Kučera, Veselý",
    },
    Culture {
        locale: "ru-RU",
        weight: 2,
        family_first: false,
        given: "Aleksandr|Sasha, Yekaterina|Katya, Dmitri|Dima, Olga, Sergei|Seryozha, \
                 Natalia|Natasha, Ivan|Vanya, Tatiana|Tanya, Mikhail|Misha, Svetlana|Sveta, \
                 Nikolai|Kolya, Yelena|Lena, Vladimir|Volodya, Anastasia|Nastya",
        family: "Ivanov, Smirnov, Kuznetsov, Popov, Vasiliev, Petrov, Sokolov, Mikhailov, \
                  Novikov, Fedorov, Morozov, Volkov",
    },
    Culture {
        locale: "uk-UA",
        weight: 2,
        family_first: false,
        given: "Andriy, Oksana, Taras, Iryna, Bohdan, Yulia, Mykola, Halyna, Oleksandr, Sofiia",
        family: "Shevchenko, Bondarenko, Kovalenko, Tkachenko, Kravchenko, Melnyk, Boyko, \
                  Lysenko, Marchenko, Rudenko",
    },
    Culture {
        locale: "el-GR",
        weight: 1,
        family_first: false,
        given: "Giorgos, Eleni, Dimitris, Katerina, Konstantinos|Kostas, Nikos, Despina, Yannis, \
                 Athina, Vasiliki|Vicky",
        family: "Papadopoulos, Georgiou, Nikolaidis, Papadakis, Konstantinou, Vlachos, Oikonomou, \
                  Dimitriou, Angelopoulos, Christodoulou",
    },
    Culture {
        locale: "tr-TR",
        weight: 3,
        family_first: false,
        given: "Mehmet, Ayşe, Mustafa, Fatma, Ahmet, Emine, Zeynep, Hüseyin, Elif, Hasan, Merve, \
                 Emre, Büşra, Burak, Özlem, Cem, Deniz, Kerem, Ebru, İlker",
        family: "Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, \
                  Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek",
    },
    Culture {
        locale: "ar-EG",
        weight: 3,
        family_first: false,
        given: "Mohamed, Fatima, Ahmed, Aisha, Omar, Layla, Ali, Mariam, Youssef, Noor, Khalid, \
                 Huda, Hassan, Amira, Ibrahim, Salma",
        family: "El-Sayed, Haddad, Khalil, Nasser, Hussein, Mansour, Saleh, Aziz, Farouk, Hamdan, \
                  Abdelrahman, El-Amin, Darwish, Shaheen",
    },
    Culture {
        locale: "ar-SA",
        weight: 2,
        family_first: false,
        given: "Abdullah, Noura, Faisal, Reem, Tariq, Rania, Karim, Yasmin, Samir, Dalia, Hamza, \
                 Lina",
        family: "Al-Otaibi, Al-Qahtani, Al-Ghamdi, Al-Harbi, Al-Zahrani, Jaber, Suleiman, Najjar, \
                  Al-Rashid, Bakr",
    },
    Culture {
        locale: "fa-IR",
        weight: 1,
        family_first: false,
        given: "Dariush, Shirin, Reza, Parisa, Arash, Nasrin, Kian, Mahsa, Babak, Leila",
        family: "Hosseini, Ahmadi, Mohammadi, Karimi, Rezaei, Moradi, Jafari, Tehrani, Rostami, \
                  Kazemi",
    },
    Culture {
        locale: "he-IL",
        weight: 1,
        family_first: false,
        given: "Noa, Itai, Tamar, Yonatan|Yoni, Shira, Eitan, Maya, Omer, Yael, Ariel, Liat, Avi",
        family: "Cohen, Levi, Mizrahi, Peretz, Biton, Friedman, Katz, Azoulay, Shapiro, Ben-David",
    },
    Culture {
        locale: "en-IN",
        weight: 10,
        family_first: false,
        given: "Aarav, Priya, Vihaan, Ananya, Arjun, Diya, Rohan, Kavya, Rahul, Pooja, Amit, \
                 Sneha, Vikram|Vicky, Lakshmi, Aditya|Adi, Meera, Sanjay, Neha, Karthik, Divya, \
                 Suresh, Deepika, Ravi, Anjali, Harpreet, Gurpreet, Imran, Ayesha, Nikhil, Shreya",
        family: "Sharma, Patel, Singh, Kumar, Gupta, Reddy, Iyer, Nair, Rao, Mehta, Joshi, Desai, \
                  Chatterjee, Banerjee, Mukherjee, Das, Verma, Agarwal, Pillai, Menon, Kapoor, \
                  Malhotra, Chopra, Bose, Khan, Siddiqui, Choudhury, Gill",
    },
    Culture {
        locale: "ur-PK",
        weight: 2,
        family_first: false,
        given: "Bilal, Sana, Usman, Hira, Zain, Mahnoor, Hamid, Zara",
        family: "Qureshi, Malik, Javed, Chaudhry, Raza, Sheikh, Mirza, Abbasi",
    },
    Culture {
        locale: "bn-BD",
        weight: 1,
        family_first: false,
        given: "Tanvir, Nusrat, Rafiq, Farzana, Sabbir, Tahmina",
        family: "Hossain, Islam, Uddin, Akter, Sarkar, Mahmud",
    },
    Culture {
        locale: "zh-CN",
        weight: 8,
        family_first: true,
        given: "Wei, Fang, Jing, Lei, Min, Jun, Yan, Hao, Xin, Yu, Ling, Tao, Hui, Qiang, Zihan, \
                 Yuxuan, Haoran, Yichen, Xinyi, Zhiwei, Meiling, Jiahao, Shuang, Mingyu, Ruoxi, \
                 Kai, Lan, Bo",
        family: "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, \
                  Guo, He, Lin, Luo, Gao, Tang, Zheng, Liang, Xie, Song, Han, Feng, Deng, Cao",
    },
    Culture {
        locale: "zh-TW",
        weight: 2,
        family_first: true,
        given: "Chia-Hao, Shu-Fen, Chih-Ming, Ya-Ting, Chun-Kai, Hsin-Yi",
        family: "Tsai, Hsu, Cheng, Chiang, Kao, Lai",
    },
    Culture {
        locale: "zh-HK",
        weight: 1,
        family_first: true,
        given: "Ka-Ming, Wing-Yan, Chi-Keung, Mei-Ling, Siu-Wai",
        family: "Wong, Chan, Leung, Cheung, Lau, Ng",
    },
    Culture {
        locale: "ja-JP",
        weight: 4,
        family_first: true,
        given: "Haruto, Yui, Sōta, Hina, Yūto, Aoi, Ren, Sakura, Hiroshi, Yuki, Takumi, Kenji, \
                 Akiko, Daiki, Emi, Shōta, Naoko, Ryō, Ayaka, Kaito, Misaki, Kōki",
        family: "Satō, Suzuki, Takahashi, Tanaka, Watanabe, Itō, Yamamoto, Nakamura, Kobayashi, \
                  Katō, Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, \
                  Shimizu, Mori",
    },
    Culture {
        locale: "ko-KR",
        weight: 3,
        family_first: true,
        given: "Min-jun, Seo-yeon, Ji-ho, Ha-eun, Do-yun, Ji-woo, Seo-jun, Su-bin, Hyun-woo, \
                 Ye-jin, Jae-won, Eun-ji, Dong-hyun, Soo-ah, Tae-yang",
        family: "Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Shin, Oh, Seo, Kwon, \
                  Hwang, Ahn, Yoo, Hong",
    },
    Culture {
        locale: "vi-VN",
        weight: 3,
        family_first: true,
        given: "Anh, Minh, Linh, Huy, Thảo, Dũng, Hương, Tuấn, Trang, Khoa, Ngọc, Phúc, Vy, Quân, \
                 My, Hiếu",
        family: "Nguyễn, Trần, Lê, Phạm, Hoàng, Vũ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý, Phan, Võ",
    },
    Culture {
        locale: "th-TH",
        weight: 1,
        family_first: false,
        given: "Somchai, Siriporn, Anan, Kanya, Nattapong, Pimchanok",
        family: "Srisuk, Wongsawat, Chaiyaporn, Rattanakorn, Boonmee, Suwannarat",
    },
    Culture {
        locale: "id-ID",
        weight: 2,
        family_first: false,
        given: "Budi, Siti, Agus, Dewi, Rizky, Putri, Eko, Indah, Wahyu, Ayu, Bayu, Sri",
        family: "Santoso, Wijaya, Susanto, Hidayat, Kusuma, Saputra, Pratama, Halim, Gunawan, \
                  Setiawan, Nugroho, Lestari",
    },
    Culture {
        locale: "fil-PH",
        weight: 2,
        family_first: false,
        given: "Maricel, Rodel, Jasmine, Kristine, Jerome, Rowena, Ramil, Lovely, Arnel, Joy, \
                 Analyn, Jericho",
        family: "dela Cruz, Bautista, Ocampo, Villanueva, Aquino, Mercado, Manalo, Pascual, \
                  Soriano, Tolentino, Macaraeg, Dimaculangan",
    },
    Culture {
        locale: "en-NG",
        weight: 3,
        family_first: false,
        given: "Chinedu, Ngozi, Oluwaseun|Seun, Adaeze|Ada, Emeka, Folake, Tunde, Chiamaka, \
                 Ifeanyi, Bukola",
        family: "Okafor, Adeyemi, Okonkwo, Balogun, Eze, Adebayo, Nwosu, Ogunleye",
    },
    Culture {
        locale: "en-GH",
        weight: 1,
        family_first: false,
        given: "Kwame, Ama, Kofi, Akosua, Yaw, Efua",
        family: "Mensah, Boateng, Asante, Owusu, Osei, Appiah",
    },
    Culture {
        locale: "en-ZA",
        weight: 2,
        family_first: false,
        given: "Thabo, Lerato, Sipho, Zanele, Tendai, Nomvula, Pieter-Jan, Anika",
        family: "Nkosi, Dlamini, Mokoena, Ndlovu, Botha, van der Merwe, Naidoo",
    },
    Culture {
        locale: "sw-KE",
        weight: 1,
        family_first: false,
        given: "Wanjiru, Kamau, Achieng, Otieno, Njeri, Baraka",
        family: "Mwangi, Ochieng, Kariuki, Wanjiku, Kipchoge, Mutua",
    },
    Culture {
        locale: "am-ET",
        weight: 1,
        family_first: false,
        given: "Abebe, Tigist, Yohannes, Selam, Dawit, Hiwot",
        family: "Tesfaye, Bekele, Girma, Haile, Alemu, Tadesse",
    },
    Culture {
        locale: "fr-SN",
        weight: 1,
        family_first: false,
        given: "Amadou, Fatoumata, Moussa, Aminata, Ousmane, Mariama",
        family: "Diallo, Traoré, Keita, Coulibaly, Ndiaye, Sow",
    },
    Culture {
        locale: "mi-NZ",
        weight: 1,
        family_first: false,
        given: "Aroha, Tane, Mere, Wiremu, Anahera, Rawiri",
        family: "Ngata, Parata, Tipene, Tamihana, Te Whare, Horomona",
    },
];
